"""Foreground inventories: the network as baseline and symbiosis Brightway databases.

``plan_foreground`` turns a validated network into plain data (edges with their
parameters); ``write_foreground`` writes that plan as ordinary Brightway databases.
The calculation engine evaluates the same plan, so a researcher who opens the databases
with bw2calc gets the numbers lcasym reports.
"""

from lcasym.inventory.plan import Edge, ForegroundPlan, OwnerActivity, Parameter, plan_foreground

__all__ = ["Edge", "ForegroundPlan", "OwnerActivity", "Parameter", "plan_foreground"]
