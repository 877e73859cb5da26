"""The domain: the ``turva/1`` model, the schema's allow-list, validation and file formats."""
