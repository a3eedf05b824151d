"""What opencheck writes for other tools to read: the `opencheck init` manifest, the MOT export and the BOMs
(CycloneDX, SPDX)."""
