"""The Commission's template for the public summary of training content (24 July 2025): sections and fields."""

from __future__ import annotations

TEMPLATE_TITLE = "Template for the public summary of training content for general-purpose AI models"
TEMPLATE_DATE = "2025-07-24"
TEMPLATE_URL = ("https://digital-strategy.ec.europa.eu/en/library/explanatory-notice-and-template-public-summary-"
                "training-content-general-purpose-ai-models")

# (number, title, keywords a written summary's heading may use instead of the number)
SECTIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("1", "General information", ("general information",)),
    ("1.1", "Provider identification", ("provider identification", "provider")),
    ("1.2", "Model identification", ("model identification",)),
    ("1.3", "Modalities, overall training data size and other characteristics", ("modalit",)),
    ("2", "List of data sources", ("data sources",)),
    ("2.1", "Publicly available datasets", ("publicly available dataset", "public dataset")),
    ("2.2", "Private non-publicly available datasets obtained from third parties",
     ("private", "licensed from rightsholders", "third parties")),
    ("2.3", "Data crawled and scraped from online sources", ("crawl", "scrap")),
    ("2.4", "User data", ("user data",)),
    ("2.5", "Synthetic data", ("synthetic",)),
    ("2.6", "Other sources of data", ("other sources",)),
    ("3", "Data processing aspects", ("data processing",)),
    ("3.1", "Respect of reservation of rights from the text and data mining exception or limitation",
     ("reservation of rights", "text and data mining", "opt-out", "opt out")),
    ("3.2", "Removal of illegal content", ("illegal content",)),
    ("3.3", "Other information", ("other information",)),
)
LEAF_SECTIONS = tuple(s for s in SECTIONS if "." in s[0])

# pipeline_tag -> (input modalities, output modalities)
MODALITIES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "text-generation": (("text",), ("text",)),
    "text2text-generation": (("text",), ("text",)),
    "image-text-to-text": (("text", "image"), ("text",)),
    "visual-question-answering": (("text", "image"), ("text",)),
    "image-to-text": (("image",), ("text",)),
    "text-to-image": (("text",), ("image",)),
    "text-to-video": (("text",), ("video",)),
    "text-to-speech": (("text",), ("audio",)),
    "text-to-audio": (("text",), ("audio",)),
    "audio-text-to-text": (("text", "audio"), ("text",)),
    "video-text-to-text": (("text", "video"), ("text",)),
    "automatic-speech-recognition": (("audio",), ("text",)),
    "any-to-any": (("text", "image", "audio", "video"), ("text", "image", "audio", "video")),
}
ALL_MODALITIES = ("text", "image", "audio", "video")
