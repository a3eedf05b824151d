"""Generate text with tiny-open-lm using transformers (reference stub)."""


def generate(prompt: str, max_new_tokens: int = 8) -> str:
    """Load the model from this folder and sample a continuation."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(".")
    model = AutoModelForCausalLM.from_pretrained(".")
    inputs = tokenizer(prompt, return_tensors="pt")
    output = model.generate(**inputs, max_new_tokens=max_new_tokens)
    return tokenizer.decode(output[0])
