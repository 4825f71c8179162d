"""The bridge simulator: realistic sensor data with scripted anomalies.

``physics`` generates the signals (numpy), ``sinks`` sends them through the SensorThings
API (HTTP ``CreateObservations`` or MQTT) or straight into the sensors service, ``fleet``
creates the simulated bridges and runs the simulation; ``command`` is
``smartcity simulate bridges``.
"""
