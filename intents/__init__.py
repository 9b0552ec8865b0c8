"""Language packs (hassil templates, replies, flows) and the intent matcher."""
