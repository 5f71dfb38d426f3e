"""One module per CLI command; each does its job and returns or raises MindreelError."""
