// Asks every top-level window named argv[1] to close, the way a window manager
// does for Alt+F4 or the close button (a WM_DELETE_WINDOW client message).
#include <X11/Xlib.h>
#include <X11/Xutil.h>

#include <cstdio>
#include <cstring>

int main(int argc, char** argv) {
    if (argc != 2) return 2;
    Display* d = XOpenDisplay(nullptr);
    if (!d) return 2;
    Window root = DefaultRootWindow(d), parent, *children = nullptr;
    unsigned n = 0;
    int sent = 0;
    XQueryTree(d, root, &root, &parent, &children, &n);
    Atom protocols = XInternAtom(d, "WM_PROTOCOLS", False), del = XInternAtom(d, "WM_DELETE_WINDOW", False);
    for (unsigned i = 0; i < n; ++i) {
        char* name = nullptr;
        if (XFetchName(d, children[i], &name) && name && std::strcmp(name, argv[1]) == 0) {
            XEvent e{};
            e.xclient.type = ClientMessage;
            e.xclient.window = children[i];
            e.xclient.message_type = protocols;
            e.xclient.format = 32;
            e.xclient.data.l[0] = static_cast<long>(del);
            e.xclient.data.l[1] = CurrentTime;
            XSendEvent(d, children[i], False, NoEventMask, &e);
            ++sent;
        }
        if (name) XFree(name);
    }
    if (children) XFree(children);
    XCloseDisplay(d);
    std::printf("close requested for %d window(s)\n", sent);
    return sent ? 0 : 1;
}
