"""LaTeX templates (Jinja2), shipped inside the rnnsheets package as rnnsheets.templates."""
