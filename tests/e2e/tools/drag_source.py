#!/usr/bin/python3
"""A real desktop drag source for the end-to-end tests.

Opens a small GTK 3 window at the screen's top-left that offers one file as a `text/uri-list`
drag, the way a file manager does. The test then drags it with xdotool (press, stepwise move,
release) onto the studio's window, so the app receives a genuine OS drop through WebKitGTK and
Tauri, not a synthetic DOM event. Exits after the drag ends, or after 60 s.

Usage: drag_source.py FILE   (run with the system Python, which has python3-gi)
"""

import os
import sys

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("Gdk", "3.0")
from gi.repository import Gdk, GLib, Gtk  # noqa: E402

TITLE = "postcraft-drag-source"


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    uri = GLib.filename_to_uri(os.path.abspath(sys.argv[1]), None)
    window = Gtk.Window(title=TITLE)
    window.set_decorated(False)
    window.set_default_size(120, 120)
    window.move(0, 0)
    box = Gtk.EventBox()
    box.add(Gtk.Label(label="drag me"))
    window.add(box)
    box.drag_source_set(Gdk.ModifierType.BUTTON1_MASK, [], Gdk.DragAction.COPY)
    box.drag_source_add_uri_targets()
    box.connect("drag-data-get", lambda _w, _ctx, data, _info, _time: data.set_uris([uri]))
    box.connect("drag-end", lambda *_: GLib.timeout_add(300, Gtk.main_quit))
    window.connect("destroy", Gtk.main_quit)
    window.show_all()
    GLib.timeout_add_seconds(60, Gtk.main_quit)
    print("ready", flush=True)
    Gtk.main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
