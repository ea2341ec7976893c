"""Loads aimsbook's OSCAL export with compliance-trestle's pydantic models (which validate every
field on load) and prints what a GRC tool would see, as JSON, for tests/oscal.rs to assert on.

Usage: python3 oscal_check.py DIR   (DIR holds catalog.json, profile.json and ssp.json)
"""

import json
import pathlib
import sys
import warnings

warnings.filterwarnings("ignore")

from trestle.oscal.catalog import Catalog  # noqa: E402
from trestle.oscal.profile import Profile  # noqa: E402
from trestle.oscal.ssp import SystemSecurityPlan  # noqa: E402

folder = pathlib.Path(sys.argv[1])
catalog = Catalog.oscal_read(folder / "catalog.json")
profile = Profile.oscal_read(folder / "profile.json")
ssp = SystemSecurityPlan.oscal_read(folder / "ssp.json")


def walk(groups, controls):
    # trestle's group models hold either groups or controls (OSCAL's choice), so read both softly.
    for c in controls or []:
        yield c
        yield from walk(None, getattr(c, "controls", None))
    for g in groups or []:
        yield from walk(getattr(g, "groups", None), getattr(g, "controls", None))


def plain(x):
    """The text of a value: trestle wraps ids, uuids and versions in root models."""
    while hasattr(x, "root"):
        x = x.root
    return None if x is None else str(x)


def props(x):
    return {plain(p.name): plain(p.value) for p in (x.props or [])}


controls = list(walk(catalog.groups, catalog.controls))
resources = {plain(r.uuid): r for r in (ssp.back_matter.resources if ssp.back_matter else [])}
requirements = []
for ir in ssp.control_implementation.implemented_requirements:
    links = []
    for link in ir.links or []:
        target = resources.get(plain(link.href).lstrip("#"))
        links.append({
            "rel": plain(link.rel),
            "resource": target.title if target else None,
            "href": plain(target.rlinks[0].href) if target else None,
        })
    bc = ir.by_components[0]
    requirements.append({
        "uuid": plain(ir.uuid),
        "control_id": plain(ir.control_id),
        "state": plain(bc.implementation_status.state) if bc.implementation_status else None,
        "component_is_this_system": any(
            plain(c.uuid) == plain(bc.component_uuid) and plain(c.type) == "this-system"
            for c in ssp.system_implementation.components
        ),
        "remarks": plain(ir.remarks),
        "props": props(ir),
        "links": links,
    })

print(json.dumps({
    "catalog": {
        "uuid": plain(catalog.uuid),
        "oscal_version": plain(catalog.metadata.oscal_version),
        "controls": [{"id": plain(c.id), "title": plain(c.title), "class": plain(c.class_), "label": props(c).get("label")} for c in controls],
    },
    "profile": {
        "import": plain(profile.imports[0].href),
        "with_ids": [plain(i) for sel in profile.imports[0].include_controls for i in sel.with_ids],
    },
    "ssp": {
        "uuid": plain(ssp.uuid),
        "import": plain(ssp.import_profile.href),
        "requirements": requirements,
        "resources": len(resources),
    },
}, indent=1, default=str))
