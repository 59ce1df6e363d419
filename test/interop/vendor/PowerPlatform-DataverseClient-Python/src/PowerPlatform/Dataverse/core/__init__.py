# Copyright (c) Microsoft Corporation.
# Licensed under the MIT license.

"""
Core infrastructure components for the Dataverse SDK.

This module contains the foundational components including authentication,
configuration, HTTP client, and error handling.
"""

__all__ = []
