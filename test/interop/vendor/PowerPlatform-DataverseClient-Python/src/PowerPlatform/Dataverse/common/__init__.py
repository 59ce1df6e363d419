# Copyright (c) Microsoft Corporation.
# Licensed under the MIT license.

"""
Common utilities and constants for the Dataverse SDK.

This module contains shared constants and utilities used across the SDK.
"""

__all__ = []
