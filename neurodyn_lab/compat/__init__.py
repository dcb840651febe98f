"""Compatibility layers: run course material written for other packages on neurodyn_lab's engine.

``neurodyn_lab.compat.neurodynex3`` mirrors the leaky integrate-and-fire part of neurodynex3
(the exercises of *Neuronal Dynamics*, EPFL-LCN): a course changes only its import lines.
"""
