"""Export formats (one module each); see :data:`reviewtools.exporters.registry.FORMATS`."""
