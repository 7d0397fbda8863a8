"""Dataflows: how a layer is mapped onto a PE array (row-stationary; systolic OS/WS/IS)."""
