"""Emulated camera, recorder and router fleets on loopback addresses, for tests, demos and benchmarks.

``Fleet(FleetSpec(size=100, seed=7))`` plans devices deterministically (ground truth in ``fleet.truth``),
``await fleet.start()`` binds every device's services on its own 127.x.y.z address in worker processes,
and ``await fleet.stop()`` ends them. ``run_fleet`` is the blocking form the CLI uses.
"""

from covered.sim.fleet import Fleet, run_fleet, write_truth
from covered.sim.neighbours import write_neighbour_table
from covered.sim.personas import HOSTILE_KINDS, LEAD_PERSONAS, PERSONAS, RESTRICTED_VENDORS, Persona, persona_by_id
from covered.sim.plan import Device, DeviceTruth, FleetSpec, SimError, plan_fleet

__all__ = [
    "HOSTILE_KINDS",
    "LEAD_PERSONAS",
    "PERSONAS",
    "RESTRICTED_VENDORS",
    "Device",
    "DeviceTruth",
    "Fleet",
    "FleetSpec",
    "Persona",
    "SimError",
    "persona_by_id",
    "plan_fleet",
    "run_fleet",
    "write_neighbour_table",
    "write_truth",
]
