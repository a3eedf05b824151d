"""Train tiny-open-lm from configs/train.yaml (reference script; needs torch and transformers)."""

import argparse

import yaml


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", default="configs/train.yaml")
    args = parser.parse_args()
    with open(args.config, encoding="utf-8") as handle:
        config = yaml.safe_load(handle)
    # The training loop (AdamW, cosine schedule, checkpoint every 1000 steps) is omitted from this stub.
    print("would train with", config["train"])


if __name__ == "__main__":
    main()
