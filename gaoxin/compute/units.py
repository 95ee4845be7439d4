"""The common compute unit (算力单位, CU) that makes different hardware comparable, and money per hour.

One CU-hour is one hour of 0.1 TFLOPS of dense FP16 peak throughput — about one modern server CPU core
(AVX-512 at 2.5 GHz: 2 FMA units × 16 FP32 lanes × 2 flops ≈ 0.08–0.16 TFLOPS). A device-hour therefore counts
``peak dense FP16 TFLOPS ÷ 0.1`` CU-hours, with the peaks of the vendors' data sheets (tensor cores, no sparsity).
docs/COMPUTE.md lists the table and its sources; a pool's price per CU-hour is what the operator compares.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

REFERENCE_TFLOPS = Decimal("0.1")
CU_PER_CPU_CORE_HOUR = Decimal(1)

# Peak dense FP16 TFLOPS per device (vendor data sheets).
GPU_FP16_TFLOPS: dict[str, Decimal] = {
    "A100": Decimal(312),        # NVIDIA A100 SXM/PCIe, FP16 tensor, dense
    "A800": Decimal(312),        # NVIDIA A800 (export variant of the A100)
    "H800": Decimal(990),        # NVIDIA H800 SXM, FP16 tensor, dense
    "V100": Decimal(125),        # NVIDIA V100 SXM2, tensor
    "T4": Decimal(65),           # NVIDIA T4, FP16 tensor
    "Ascend910B": Decimal(320),  # Huawei Ascend 910B, FP16
    "MLU370": Decimal(96),       # Cambricon MLU370-X4, FP16
}
GPU_MODELS = tuple(GPU_FP16_TFLOPS)


def cu_per_gpu_hour(model: str) -> Decimal:
    return GPU_FP16_TFLOPS[model] / REFERENCE_TFLOPS


def cu_per_hour(*, cpus: int, gpus: int, gpu_model: str) -> Decimal:
    """The CU a job's resources deliver in one hour (memory is priced, not counted as compute)."""
    gpu = cu_per_gpu_hour(gpu_model) * gpus if gpus else Decimal(0)
    return CU_PER_CPU_CORE_HOUR * cpus + gpu


def fen_round(value: Decimal) -> int:
    """Money is kept in integer fen, rounded half up once, at the end of a computation."""
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def hourly_fen(*, cpus: int, gpus: int, memory_gb: int, price_cpu_fen: int, price_gpu_fen: int,
               price_mem_fen: int) -> int:
    """The price of one hour of the resources at a pool's prices per resource-hour (whole fen: exact)."""
    return cpus * price_cpu_fen + gpus * price_gpu_fen + memory_gb * price_mem_fen


def usage_fen(*, seconds: int, cpus: int, gpus: int, memory_gb: int, price_cpu_fen: int, price_gpu_fen: int,
              price_mem_fen: int) -> int:
    """What ``seconds`` of the resources cost at the pool's prices: resource-seconds × price per hour ÷ 3600,
    rounded half up to the fen once."""
    hourly = hourly_fen(cpus=cpus, gpus=gpus, memory_gb=memory_gb, price_cpu_fen=price_cpu_fen,
                        price_gpu_fen=price_gpu_fen, price_mem_fen=price_mem_fen)
    return fen_round(Decimal(hourly * seconds) / 3600)
