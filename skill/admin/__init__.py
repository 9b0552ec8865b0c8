"""Admin web page: Flask app factory, blueprints and templates."""
