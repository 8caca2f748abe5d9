"""Named assumptions: every constant the package uses lives here once, with its unit and its
source, and can be overridden (by keyword where it is used, or for the whole process with
:func:`override`). Outputs list the assumptions they used.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

__all__ = ["ASSUMPTIONS", "Assumption", "get", "override"]


@dataclass(frozen=True)
class Assumption:
    """A named constant: central ``value``, optional plausible range ``low``..``high``."""

    name: str
    value: float
    unit: str
    source: str
    low: float | None = None
    high: float | None = None

    def line(self) -> str:
        rng = f" (range {self.low:g}–{self.high:g})" if self.low is not None else ""
        return f"{self.name} = {self.value:g} {self.unit}{rng}: {self.source}"

    def to_dict(self) -> dict:
        return {"name": self.name, "value": self.value, "unit": self.unit,
                "low": self.low, "high": self.high, "source": self.source}


ASSUMPTIONS: dict[str, Assumption] = {a.name: a for a in [
    Assumption(
        "imagenet_train_images", 1_281_167, "images",
        "ILSVRC-2012 training set size: Russakovsky et al., 'ImageNet Large Scale Visual "
        "Recognition Challenge', IJCV 115 (2015), Table 2"),
    Assumption(
        "imagenet_epochs", 90, "epochs",
        "assumed when a model's schedule is unknown: the 90-epoch ImageNet schedule of "
        "Krizhevsky et al. 2012 ('roughly 90 cycles') and Goyal et al. 2017, arXiv 1706.02677"),
    Assumption(
        "training_passes_per_example", 3, "forward-pass equivalents",
        "forward + backward ≈ 3 forward passes per example (Thompson et al. 2020 'network "
        "operations'; Kaplan et al. 2020, arXiv 2001.08361, §2.1)"),
    Assumption(
        "flop_per_mac", 2, "FLOP per multiply-accumulate",
        "one multiply-add = 2 FLOP (Epoch AI convention; DESIGN.md)"),
    Assumption(
        "utilization", 0.35, "fraction of peak FLOP/s",
        "Epoch AI's hardware-based compute estimates assume 30–40% utilization when it is not "
        "reported (epoch.ai/data/ai-models-documentation, 'Estimation'); central value the "
        "midpoint", low=0.30, high=0.40),
    Assumption(
        "transformer_flop_per_param_token", 6, "FLOP per parameter per token",
        "dense transformer training ≈ 6·N·D (Kaplan et al. 2020, arXiv 2001.08361, §2.1)"),
    Assumption(
        "server_overhead", 1.82, "× chip power",
        "power of the non-accelerator parts of a server (CPUs, network, storage): Epoch AI's "
        "GPU-cluster estimates use 1.82 from NVIDIA DGX H100 specifications "
        "(epoch.ai/data/gpu-clusters-documentation/estimation)"),
    # -- Epoch AI's amortized hardware + energy training cost (Cottier, Rahman, Fattorini,
    # -- Maslej, Besiroglu, Owen, 'The rising costs of training frontier AI models', arXiv
    # -- 2405.21015, 2024; code: github.com/epoch-research/training-cost-trends)
    Assumption(
        "hardware_depreciation_oom_per_year", 0.14, "orders of magnitude per year",
        "hardware loses value as fast as ML-GPU price-performance (FLOP/s per $) improves, "
        "0.14 OOM/year (Hobbhahn, Heim & Aydos, 'Trends in Machine Learning Hardware', Epoch "
        "AI 2023); Cottier et al. 2024 amortize at k·ln(10) of the value per year "
        "(training-cost-trends constants.py ML_GPU_PRICE_PERFORMANCE_OOMS_PER_YEAR, "
        "cost_estimation.py)"),
    Assumption(
        "hours_per_year", 8766, "hours per year",
        "Julian year, 365.25 days × 24 h (Epoch AI training-cost-trends constants.py "
        "HOURS_PER_YEAR)"),
    Assumption(
        "server_cost_overhead", 1.64, "× accelerator purchase price",
        "cost of a server (CPUs, memory, boards) per accelerator over the accelerator's own "
        "price, applied to single-chip prices: mean of 1.54 (P100), 1.69 (V100) and 1.66 "
        "(A100) from DGX vs single-GPU prices; range the 90% interval Cottier et al. 2024 "
        "used (training-cost-trends hardware.py get_server_cost_overhead and its uncertainty "
        "notebook)", low=1.3, high=2.1),
    Assumption(
        "cluster_interconnect_fraction", 0.19, "fraction of cluster hardware cost",
        "cluster-level interconnect (switches, cables, NICs) as a share of the whole "
        "cluster's hardware cost (Cottier et al. 2024, arXiv 2405.21015; training-cost-trends "
        "constants.py CLUSTER_INTERCONNECT_COST_FRACTION); range from their 90% interval of "
        "1.07–1.32 × server cost", low=0.065, high=0.24),
    Assumption(
        "gpu_availability_lag_days", 90, "days",
        "a GPU is bought no earlier than this long after its release date (Epoch AI "
        "training-cost-trends pricing.py find_hardware_acquisition_price); TPUs, Google's own "
        "hardware, are taken at their release date there too"),
    Assumption(
        "publication_lag_days", 60, "days",
        "a model's training ends this long before its publication (Epoch AI "
        "training-cost-trends pricing.py get_training_start_date)"),
    Assumption(
        "median_training_days", 33.0625, "days",
        "training time assumed where a model reports none: 793.5 h, the median of the running "
        "top-10 models (Epoch AI training-cost-trends constants.py "
        "MEDIAN_TRAINING_TIME_DAYS)"),
    Assumption(
        "gpu_server_power_fraction", 0.75, "fraction of server TDP",
        "average draw of a GPU server while training (Epoch AI training-cost-trends "
        "hardware.py server_TDP_fraction: Barroso et al., 'The Datacenter as a Computer' "
        "3rd ed. p.133, and NVIDIA DGX H100 SuperPOD design guide); range the 90% interval "
        "noted there", low=0.5, high=1.0),
    Assumption(
        "tpu_server_power_fraction", 0.43, "fraction of server TDP",
        "average draw of a TPU server while training: measured 37–53% of server TDP for "
        "Google models (Patterson et al. 2021, arXiv 2104.10350, Table 4; Jouppi et al. 2021 "
        "Table 1), as Epoch AI's training-cost-trends hardware.py server_TDP_fraction; range "
        "the 90% interval noted there", low=0.3, high=0.8),
    Assumption(
        "tpu_server_power_overhead", 1.56, "× chip TDP",
        "TPU server power over chip power, mean of TPU v2 (1.64), v3 (1.47) and v4i (1.57) "
        "from Jouppi et al. 2021 ('Ten lessons from three generations shaped Google's TPUv4i', "
        "Table 1), as Epoch AI's training-cost-trends hardware.py chip_to_server_power",
        low=1.47, high=1.64),
    Assumption(
        "pue_hyperscaler", 1.1, "PUE",
        "data-centre PUE of Google, DeepMind, Microsoft, Amazon and Meta (Patterson et al. "
        "2021, arXiv 2104.10350, Table 4: close to 1.1; Meta 2022: 1.09), as Epoch AI's "
        "training-cost-trends hardware.py power_usage_effectiveness; high end SemiAnalysis' "
        "'most hyperscale datacenters are below 1.4'", low=1.09, high=1.4),
    Assumption(
        "pue_other", 1.25, "PUE",
        "data-centre PUE of other organisations (Epoch AI training-cost-trends hardware.py "
        "power_usage_effectiveness, after SemiAnalysis: AI data centres aim below 1.3, "
        "enterprise colocation 1.5–1.6)", low=1.1, high=1.6),
    Assumption(
        "industrial_electricity_usd_per_kwh", 0.0806, "2023 USD per kWh",
        "US average industrial electricity price in 2023 (EIA Electric Power Monthly, Table "
        "5.6.A, as tabulated in Epoch AI training-cost-trends hardware.py energy_price); range "
        "the lowest and highest annual averages there, 2010–2025", low=0.0667, high=0.0832),
    Assumption(
        "paper_flop_per_usd", 6.8741e16, "FLOP per US dollar",
        "Thompson et al.'s companion site (github.com/Computer-Progress/computerprogress.com, "
        "'Deep Learning's Diminishing Returns' charts): a 14.13 TFLOP/s device at $0.74 per "
        "hour, applied to hardware burden"),
    Assumption(
        "paper_flop_per_lb_co2", 3.4976e17, "FLOP per pound of CO2",
        "Thompson et al.'s companion site (github.com/Computer-Progress/computerprogress.com, "
        "'Deep Learning's Diminishing Returns' charts), applied to hardware burden"),
    Assumption(
        "kg_per_lb", 0.45359237, "kg per pound",
        "international avoirdupois pound (exact, 1959 definition)"),
    # -- Chinchilla approach 3, L(N, D) = E + A/N^α + B/D^β (computelimits.compute.chinchilla):
    # -- Besiroglu, Erdil, Barnett & You, 'Chinchilla Scaling: A replication attempt', arXiv
    # -- 2404.10102 (2024), refit to 240 runs reconstructed from Hoffmann et al.'s Figure 4
    Assumption(
        "chinchilla_besiroglu_E", 1.8172, "nats per token",
        "irreducible loss E, Besiroglu et al. 2024 (arXiv 2404.10102) refit of Hoffmann et "
        "al.'s approach 3; range ± one bootstrap standard error as published (0.03)",
        low=1.7872, high=1.8472),
    Assumption(
        "chinchilla_besiroglu_A", 482.01, "nats per token × parameters^α",
        "A, Besiroglu et al. 2024 (arXiv 2404.10102) refit of Hoffmann et al.'s approach 3; "
        "range ± one bootstrap standard error as published (124.58)",
        low=357.43, high=606.59),
    Assumption(
        "chinchilla_besiroglu_B", 2085.43, "nats per token × tokens^β",
        "B, Besiroglu et al. 2024 (arXiv 2404.10102) refit of Hoffmann et al.'s approach 3; "
        "range ± one bootstrap standard error as published (1293.23)",
        low=792.2, high=3378.66),
    Assumption(
        "chinchilla_besiroglu_alpha", 0.3478, "exponent of parameters",
        "α, Besiroglu et al. 2024 (arXiv 2404.10102) refit of Hoffmann et al.'s approach 3; "
        "range ± one bootstrap standard error as published (0.02)",
        low=0.3278, high=0.3678),
    Assumption(
        "chinchilla_besiroglu_beta", 0.3658, "exponent of tokens",
        "β, Besiroglu et al. 2024 (arXiv 2404.10102) refit of Hoffmann et al.'s approach 3; "
        "range ± one bootstrap standard error as published (0.02)",
        low=0.3458, high=0.3858),
    # -- their sampling distribution: the paper gives standard errors, not the covariance;
    # -- these were measured by 4,000 bootstrap refits of their data with their procedure
    # -- (computelimits.compute.chinchilla_refit.bootstrap_refit, seed 2404)
    Assumption(
        "chinchilla_besiroglu_sd_log_A", 0.24842, "natural-log units",
        "bootstrap standard deviation of log A (Besiroglu et al. 2024 data and procedure, "
        "measured with computelimits.compute.chinchilla_refit)"),
    Assumption(
        "chinchilla_besiroglu_sd_log_B", 0.41689, "natural-log units",
        "bootstrap standard deviation of log B (Besiroglu et al. 2024 data and procedure, "
        "measured with computelimits.compute.chinchilla_refit)"),
    Assumption(
        "chinchilla_besiroglu_sd_alpha", 0.014816, "exponent",
        "bootstrap standard deviation of α (Besiroglu et al. 2024 data and procedure, "
        "measured with computelimits.compute.chinchilla_refit; published, rounded: 0.02)"),
    Assumption(
        "chinchilla_besiroglu_sd_beta", 0.020385, "exponent",
        "bootstrap standard deviation of β (Besiroglu et al. 2024 data and procedure, "
        "measured with computelimits.compute.chinchilla_refit; published, rounded: 0.02)"),
    Assumption(
        "chinchilla_besiroglu_corr_log_A_log_B", -0.2255, "correlation",
        "bootstrap correlation of log A and log B (measured with "
        "computelimits.compute.chinchilla_refit)"),
    Assumption(
        "chinchilla_besiroglu_corr_log_A_alpha", 0.99927, "correlation",
        "bootstrap correlation of log A and α (measured with "
        "computelimits.compute.chinchilla_refit)"),
    Assumption(
        "chinchilla_besiroglu_corr_log_A_beta", -0.23213, "correlation",
        "bootstrap correlation of log A and β (measured with "
        "computelimits.compute.chinchilla_refit)"),
    Assumption(
        "chinchilla_besiroglu_corr_log_B_alpha", -0.23571, "correlation",
        "bootstrap correlation of log B and α (measured with "
        "computelimits.compute.chinchilla_refit)"),
    Assumption(
        "chinchilla_besiroglu_corr_log_B_beta", 0.99966, "correlation",
        "bootstrap correlation of log B and β (measured with "
        "computelimits.compute.chinchilla_refit)"),
    Assumption(
        "chinchilla_besiroglu_corr_alpha_beta", -0.24281, "correlation",
        "bootstrap correlation of α and β (measured with "
        "computelimits.compute.chinchilla_refit)"),
    # -- Hoffmann et al., 'Training Compute-Optimal Large Language Models', arXiv 2203.15556
    # -- (2022), approach 3 as printed (rounded; Besiroglu et al. give the TeX source's
    # -- E 1.6934, α 0.3392, β 0.2849). Their interval for a = β/(α+β), 0.454–0.455, would
    # -- need over 600,000 runs (Besiroglu et al.), so no interval is used.
    Assumption(
        "chinchilla_hoffmann_E", 1.69, "nats per token",
        "E, Hoffmann et al. 2022 (arXiv 2203.15556) approach-3 fit as printed"),
    Assumption(
        "chinchilla_hoffmann_A", 406.4, "nats per token × parameters^α",
        "A, Hoffmann et al. 2022 (arXiv 2203.15556) approach-3 fit as printed"),
    Assumption(
        "chinchilla_hoffmann_B", 410.7, "nats per token × tokens^β",
        "B, Hoffmann et al. 2022 (arXiv 2203.15556) approach-3 fit as printed"),
    Assumption(
        "chinchilla_hoffmann_alpha", 0.34, "exponent of parameters",
        "α, Hoffmann et al. 2022 (arXiv 2203.15556) approach-3 fit as printed (TeX: 0.3392)"),
    Assumption(
        "chinchilla_hoffmann_beta", 0.28, "exponent of tokens",
        "β, Hoffmann et al. 2022 (arXiv 2203.15556) approach-3 fit as printed (TeX: 0.2849)"),
    # -- footprint beyond operational CO2 (computelimits.compute.footprint)
    Assumption(
        "embodied_kg_co2e_per_accelerator", 462.5, "kg CO2e per accelerator",
        "manufacturing emissions of one GPU with its share of the host server: 150 kg per "
        "A100 plus 2,500 kg per 8-GPU HPE Apollo 6500 server / 8 (Luccioni, Viguier & "
        "Ligozat, 'Estimating the Carbon Footprint of BLOOM', JMLR 24(253), 2023); Morrison et "
        "al. 2025 (arXiv 2503.05804, OLMo) take the same 3,700 kg per 8×H100 server; low end "
        "318 kg per A100 with 1/8 of its cloud instance (Chien et al., 'Reducing the Carbon "
        "Impact of Generative AI Inference', HotCarbon 2023)", low=318.0, high=462.5),
    Assumption(
        "accelerator_service_life_years", 5, "years",
        "years over which a chip's manufacturing emissions are spread: 6 in Luccioni et al. "
        "2023 (BLOOM), 4 in Morrison et al. 2025 (OLMo); central value the midpoint",
        low=4, high=6),
    Assumption(
        "accelerator_lifetime_use", 0.85, "fraction of service life in use",
        "share of its service life a chip spends running jobs, which carry all its embodied "
        "emissions: 85% in Luccioni et al. 2023 (BLOOM on Jean Zay); Morrison et al. 2025 "
        "spread them over every hour of the life (100%)", low=0.85, high=1.0),
    Assumption(
        "wue_onsite_l_per_kwh", 0.55, "L per kWh of IT energy",
        "water evaporated on site for data-centre cooling (WUE): Microsoft's U.S. average, as "
        "used by Li, Yang, Islam & Ren, 'Making AI Less \"Thirsty\"', arXiv 2304.03271 (2023); "
        "range 0 for closed-loop cooling (Morrison et al. 2025) to 1.65, Microsoft's "
        "Asia-Pacific average (azure.microsoft.com/en-us/blog/how-microsoft-measures-"
        "datacenter-water-and-energy-use-to-improve-azure-cloud-sustainability, 2022)",
        low=0.0, high=1.65),
    Assumption(
        "ewif_offsite_l_per_kwh", 3.142, "L per kWh drawn from the grid",
        "water consumed off site to generate the electricity (energy-water intensity factor): "
        "U.S. average in Li et al. 2023 (arXiv 2304.03271, after Reig et al., WRI 2020); range "
        "1.29 for the Texas grid (Morrison et al. 2025) to 5.11, the factor Jegham et al., "
        "'How Hungry is AI?', arXiv 2505.09598 (2025), use for AWS; not specific to a grid "
        "zone", low=1.29, high=5.11),
]}


def get(name: str) -> Assumption:
    return ASSUMPTIONS[name]


def override(name: str, value: float, source: str = "set by the user") -> Assumption:
    """Replace an assumption's value for this process; returns the new assumption."""
    new = replace(ASSUMPTIONS[name], value=value, source=source)
    ASSUMPTIONS[name] = new
    return new
