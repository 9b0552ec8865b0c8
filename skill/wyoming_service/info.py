"""What `describe` answers: the handle program (languages of the packs) and the asr program."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from wyoming.info import AsrModel, AsrProgram, Attribution, HandleModel, HandleProgram, Info

HANDLE_NAME = "cramp-coach"
ASR_NAME = "cramp-coach-vosk"
_PROJECT = Attribution(name="Cramp Coach", url="")
_VOSK = Attribution(name="Alpha Cephei (Vosk)", url="https://alphacephei.com/vosk/")


def project_version() -> str | None:
    try:
        return version("cramp-coach")
    except PackageNotFoundError:
        return None


def build_info(
    handle_languages: list[str],
    asr_language: str | None = None,
    asr_model_name: str = "",
) -> Info:
    """Info for `describe`: always the handle program; the asr program only when it is served."""
    ver = project_version()
    handle = HandleProgram(
        name=HANDLE_NAME,
        description="Leg cramp first aid: guided steps, follow-ups and safety checks",
        attribution=_PROJECT,
        installed=True,
        version=ver,
        models=[
            HandleModel(
                name="cramp-first-aid",
                description="Cramp Coach dialogue and language packs",
                attribution=_PROJECT,
                installed=True,
                version=ver,
                languages=sorted(handle_languages),
            )
        ],
        supports_handled_streaming=False,
        supports_home_control=False,
    )
    asr: list[AsrProgram] = []
    if asr_language:
        asr.append(
            AsrProgram(
                name=ASR_NAME,
                description="Offline Vosk speech-to-text limited to what Cramp Coach understands",
                attribution=_VOSK,
                installed=True,
                version=ver,
                models=[
                    AsrModel(
                        name=asr_model_name or f"vosk-{asr_language}",
                        description=f"Vosk model ({asr_language}), grammar mode",
                        attribution=_VOSK,
                        installed=True,
                        version=None,
                        languages=[asr_language],
                    )
                ],
                supports_transcript_streaming=False,
                requires_external_vad=True,
            )
        )
    return Info(handle=[handle], asr=asr)
