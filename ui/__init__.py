"""The Gradio app over qa/: ``ui.app.launch(m)`` serves it, ``ui.app.build_app(m)`` builds it."""
