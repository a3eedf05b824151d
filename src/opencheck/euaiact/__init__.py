"""The EU AI Act view: training-compute estimate, the four GPAI verdicts, the training-content summary draft.

Information, not legal advice: every verdict is likely / not likely / undetermined, with its deciding condition.
"""
