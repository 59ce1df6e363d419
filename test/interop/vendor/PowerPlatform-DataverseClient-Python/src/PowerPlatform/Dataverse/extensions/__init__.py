# Copyright (c) Microsoft Corporation.
# Licensed under the MIT license.

"""
Optional extensions for the Dataverse SDK. Currently a placeholder.
"""

# Will be populated with extensions as they are created
__all__ = []
