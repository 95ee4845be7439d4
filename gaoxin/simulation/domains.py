"""The simulated year's per-domain generators: the hook by which each domain system writes its own part of the
synthetic year (its 2023 records, through its services or a bulk path proven equal to them), after the zone, the
enterprise registry, the 万人助万企 campaign and the cases exist.

A domain adds one ``DomainGenerator`` to ``DOMAINS`` (``docs/ARCHITECTURE.md``, "The recipe"): a name (its stage
in the timings and the progress output) and ``generate(year) -> counts``. ``year`` (``SimulatedYear``) gives the
world, the registry, the campaign, the year's bounds, the scale and a random stream of the domain's own — seeded by
the seed, the year and the domain's name, so that adding a domain never changes what the others write. The
generator runs in its own transaction, with the platform clock at the end of the year; everything it writes is
labelled synthetic; the counts it returns are reported with the run (``SimulationResult.domains``).
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from gaoxin.enterprises.models import Enterprise
from gaoxin.simulation import ledgers as simulation_ledgers
from gaoxin.simulation import projects
from gaoxin.simulation.world import World


@dataclass
class SimulatedYear:
    year: int
    seed: int
    scale: float
    world: World
    start: dt.datetime
    end: dt.datetime
    enterprises: list[Enterprise] = field(default_factory=list)

    def rng(self, domain: str) -> np.random.Generator:
        """The domain's own random stream (the same for the same seed, year and domain)."""
        return np.random.default_rng(np.random.SeedSequence([self.seed, self.year, zlib.crc32(domain.encode())]))

    def scaled(self, full_year: int) -> int:
        """A full-scale count at this run's scale (half up, at least 1)."""
        from gaoxin.simulation.calibration import scaled

        return scaled(full_year, self.scale)


@dataclass(frozen=True)
class DomainGenerator:
    name: str
    generate: Callable[[SimulatedYear], dict[str, int]]


# Each phase-2 domain (projects, land, policies, finance, innovation, talent, ledgers, compute) lists its
# generator here, in dependency order.
DOMAINS: tuple[DomainGenerator, ...] = ()


# The ledgers (台账, issue 20): every shipped ledger filled by its units through the year.
DOMAINS += (DomainGenerator("ledgers", simulation_ledgers.generate),)
DOMAINS += (DomainGenerator("projects", projects.generate),)  # key projects and land (重大项目, 一码管地)

# Innovation, technology transfer and talent (issue 22).
from gaoxin.simulation import innovation as _innovation  # noqa: E402 - listed after the types it is given

DOMAINS += (DomainGenerator("innovation", _innovation.generate_innovation),
            DomainGenerator("talent", _innovation.generate_talent))

# Enterprise policies (issue 18): the 2023 catalog, the rules over the registry, notices and payments.
from gaoxin.simulation import policies as _policies  # noqa: E402 - listed after the types it is given

DOMAINS += (DomainGenerator("policies", _policies.generate),)

# Fund managers (issue 19): the managers settled in the zone, their funds and assets under management.
from gaoxin.simulation import finance as _finance  # noqa: E402 - listed after the types it is given

DOMAINS += (DomainGenerator("finance", _finance.generate),)

# Government guidance funds and startup guarantee loans (issue 19).
from gaoxin.simulation import guidance as _guidance  # noqa: E402 - listed after the types it is given
from gaoxin.simulation import loans as _loans  # noqa: E402

DOMAINS += (DomainGenerator("guidance_funds", _guidance.generate), DomainGenerator("startup_loans", _loans.generate))
from gaoxin.simulation import capital as _capital  # noqa: E402

DOMAINS += (DomainGenerator("capital_events", _capital.generate),)
from gaoxin.simulation import platform as _platform  # noqa: E402

DOMAINS += (DomainGenerator("financing_platform", _platform.generate),)
from gaoxin.simulation import sme_index as _sme_index  # noqa: E402

DOMAINS += (DomainGenerator("sme_index", _sme_index.generate),)
# The city compute network (issue 21): its launch, pools, vouchers and the second half year of jobs.
from gaoxin.simulation import compute as _compute  # noqa: E402

DOMAINS += (DomainGenerator("compute", _compute.generate),)
