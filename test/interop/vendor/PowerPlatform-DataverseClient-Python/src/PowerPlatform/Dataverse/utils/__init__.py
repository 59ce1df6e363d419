# Copyright (c) Microsoft Corporation.
# Licensed under the MIT license.

"""
Utilities and adapters for the Dataverse SDK.

Placeholder module for future utility adapters.
"""

__all__ = []
