"""FastAPI dependencies shared by every router: the database sessionmaker and the configuration.

The app puts both on ``app.state`` once at start (``app.state.sessions``,
``app.state.config``); routes ask for them through these functions, so a test can build
a tiny app with its own database and config and include any router unchanged.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session, sessionmaker

from core.config import WebSettings


def get_sessions(request: Request) -> sessionmaker[Session]:
    return request.app.state.sessions


def get_config(request: Request) -> WebSettings:
    return request.app.state.config


# What route signatures say: ``sessions: Sessions, config: AppConfig``.
Sessions = Annotated[sessionmaker[Session], Depends(get_sessions)]
AppConfig = Annotated[WebSettings, Depends(get_config)]
