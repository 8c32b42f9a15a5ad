"""The one path from a raw file to parsed rows: read, decompress, decode, validate.

Every failure on the way — a symlink leaving the raw root, a corrupt gzip stream, bytes that
are not UTF-8, text that is not JSON, a document of the wrong shape — becomes a
``RawRecordError`` naming the file, the field and the reason, so the loader quarantines
that file alone and the rest of its batch loads. Nothing else reads a raw file's bytes for
Phase 2.
"""

from __future__ import annotations

import gzip
import zlib

from backcourt.pipeline.phase2.parsers import PARSERS
from backcourt.pipeline.phase2.parsers.base import ParseOutput, RawRecordError, Resolver
from backcourt.rawstore.store import RawFile, RawStore, RefusedRawFile

# what a parser raises on a document whose shape it did not expect (a schema error that
# its validation let through): the file is bad, not the batch
SHAPE_ERRORS = (KeyError, IndexError, TypeError, AttributeError, ValueError)


def read_payload(store: RawStore, f: RawFile) -> bytes:
    """The file's decoded bytes (gunzipped for ``.json.gz``), or a RawRecordError."""
    try:
        return store.read_bytes(f)
    except RefusedRawFile as exc:
        raise RawRecordError(f.display, "<file>", str(exc)) from None
    except (gzip.BadGzipFile, zlib.error, EOFError) as exc:
        raise RawRecordError(f.display, "<file>", f"corrupt gzip data ({exc})") from None


def parse_raw_file(store: RawStore, f: RawFile, resolver: Resolver) -> ParseOutput:
    """Read and parse one raw file; any decode or schema problem is a RawRecordError."""
    payload = read_payload(store, f)
    try:
        return PARSERS[f.source](payload, f, resolver)
    except RawRecordError:
        raise
    except UnicodeDecodeError as exc:
        raise RawRecordError(f.display, "<file>",
                             f"not UTF-8 text (byte {exc.start}: {exc.reason})") from None
    except SHAPE_ERRORS as exc:
        raise RawRecordError(f.display, "<file>",
                             f"unexpected document shape ({type(exc).__name__}: {exc})"
                             ) from None
