#!/usr/bin/env bash
# Retrain the three shipped models on the wider world: every training category of the world split
# (the original seen ones and the new ones; the held-out ones never), half of the meshes given
# real-file defects. Each model is fine-tuned from the shipped weights for a fixed time budget, all
# three at once; the shards are generated first on every core.
#
#   scripts/train_world.sh OUT [WORKERS] [BUDGET_SECONDS]
#
# OUT gets shards/, types/, joints/, motion/ (each with its weights, curves and log). The weights
# are not copied into weights/: evaluate them first (dragmesh eval trust --weights ...). PYTHON and
# COUNT (samples, default 200000) may be set in the environment. Needs only numpy, torch, tqdm,
# safetensors and matplotlib, so it runs on a bare accelerator machine from the repository root.
set -euo pipefail
out=${1:?usage: scripts/train_world.sh OUT [WORKERS] [BUDGET_SECONDS]}
workers=${2:-$(nproc)}
budget=${3:-300}
py=${PYTHON:-python3}
count=${COUNT:-200000}
export TQDM_MININTERVAL=${TQDM_MININTERVAL:-10}
mkdir -p "$out"
start=$(date +%s)
"$py" -m dragmesh data shards --out "$out/shards" --count "$count" --seed 11 --split train_world \
    --shard-size 2000 --workers "$workers" --realism 0.5
echo "shards: $(( $(date +%s) - start )) s"
# Loader processes per trainer: the type classifier reads cached features (none), KPP-Net and the
# DQ-VAE stream shards.
loaders=$(( workers > 8 ? 4 : 1 ))
"$py" -m dragmesh train types --shards "$out/shards" --init weights --steps 1000000 --time-budget "$budget" \
    --batch 256 --lr 5e-4 --warmup 200 --feature-workers "$workers" --val-every 2000 --ckpt-every 2000 \
    --out "$out/types" --threads 2 >"$out/types.log" 2>&1 &
"$py" -m dragmesh train joints --shards "$out/shards" --init weights --steps 1000000 --time-budget "$budget" \
    --batch 64 --lr 5e-4 --warmup 200 --workers "$loaders" --val-every 2000 --val-samples 256 --ckpt-every 2000 \
    --out "$out/joints" --threads 2 >"$out/joints.log" 2>&1 &
"$py" -m dragmesh train motion --shards "$out/shards" --init weights --steps 1000000 --time-budget "$budget" \
    --batch 64 --lr 2e-4 --warmup 200 --kl-warmup 0 --workers "$loaders" --val-every 2000 --val-samples 200 \
    --ckpt-every 2000 --out "$out/motion" --threads 2 >"$out/motion.log" 2>&1 &
status=0
for job in $(jobs -p); do wait "$job" || status=1; done
echo "all: $(( $(date +%s) - start )) s (status $status)"
for m in types joints motion; do tail -c 600 "$out/$m.log" | tr '\r' '\n' | tail -n 3; done
exit $status
