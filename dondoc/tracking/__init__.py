"""How tasks are followed up: status, the four reporting classes, extensions, evidence, history."""
