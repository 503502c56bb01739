# SPDX-License-Identifier: GPL-3.0-or-later
# x11close.py WINDOW — closes an X window the way a window manager does when
# its close button is pressed: a WM_PROTOCOLS client message carrying
# WM_DELETE_WINDOW (ICCCM 4.1.2.7). The classroom tests use it under Xvfb,
# which has no window manager, to close the live view's window. libX11
# through ctypes: no build dependency.
import ctypes
import sys

x = ctypes.CDLL("libX11.so.6")
x.XOpenDisplay.restype = ctypes.c_void_p
x.XOpenDisplay.argtypes = [ctypes.c_char_p]
x.XInternAtom.restype = ctypes.c_ulong
x.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
x.XSendEvent.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_long, ctypes.c_void_p]
x.XFlush.argtypes = [ctypes.c_void_p]
x.XCloseDisplay.argtypes = [ctypes.c_void_p]


class ClientMessage(ctypes.Structure):  # XClientMessageEvent, padded to an XEvent
    _fields_ = [("type", ctypes.c_int), ("serial", ctypes.c_ulong), ("send_event", ctypes.c_int),
                ("display", ctypes.c_void_p), ("window", ctypes.c_ulong),
                ("message_type", ctypes.c_ulong), ("format", ctypes.c_int),
                ("l", ctypes.c_long * 5), ("pad", ctypes.c_long * 24)]


d = x.XOpenDisplay(None)
if not d:
    sys.exit("x11close.py: cannot open the display")
ev = ClientMessage()
ev.type = 33  # ClientMessage
ev.display = d
ev.window = int(sys.argv[1])
ev.message_type = x.XInternAtom(d, b"WM_PROTOCOLS", 0)
ev.format = 32
ev.l[0] = x.XInternAtom(d, b"WM_DELETE_WINDOW", 0)
if not x.XSendEvent(d, ev.window, 0, 0, ctypes.byref(ev)):
    sys.exit("x11close.py: XSendEvent failed")
x.XFlush(d)
x.XCloseDisplay(d)
