"""neurodynex3's ``leaky_integrate_and_fire`` package; the model is in `LIF`."""
