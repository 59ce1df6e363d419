# Copyright (c) Microsoft Corporation.
# Licensed under the MIT license.

"""
Operation namespaces for the Dataverse SDK.

This module contains the operation namespace classes that organize
SDK operations into logical groups: records, query, and tables.
"""

from typing import List

__all__: List[str] = []
