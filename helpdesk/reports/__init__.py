"""Supervisors' reports: volumes by category and channel, response and resolution times, SLA breaches."""
