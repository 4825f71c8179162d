"""The bridges' analysis in plain numpy/scipy: no database, no Django models.

``config`` checks analysis settings, ``baseline`` fits the temperature model and rates
residuals, ``modal`` estimates natural frequencies, ``fatigue`` counts rainflow cycles and
sums Palmgren–Miner damage, ``gaps`` finds silent and frozen sensors.
"""
