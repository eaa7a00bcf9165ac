"""Assessment: organisation profiles, rule evaluation, and known-exploited vulnerability matching."""

from covered.assess.evaluate import DeviceContext, assess, rules_binding

__all__ = ["DeviceContext", "assess", "rules_binding"]
