"""neurodynex3's ``tools`` package: `input_factory` (currents) and `plot_tools` (figures)."""
