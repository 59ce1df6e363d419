# Copyright (c) Microsoft Corporation.
# Licensed under the MIT license.

__path__ = __import__("pkgutil").extend_path(__path__, __name__)
