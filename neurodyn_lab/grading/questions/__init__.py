"""The questions of each notebook, one module per notebook (`nb00` ... `nb04`): each module's
``QUESTIONS`` lists them in notebook order; `neurodyn_lab.grading.bank` joins them into the bank."""
