"""The application around the data flow: the ``ruankao-watch`` CLI, configuration, the run cycle and the demo."""
