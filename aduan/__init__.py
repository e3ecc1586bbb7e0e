"""aduan: one door for every citizen's complaint, aspiration or information request."""
