"""The only module that touches jupyter_server: a kernel websocket that sends each message at once.

jupyter_server (2.21.1, checked 2026-12-03) never turns on ``TCP_NODELAY`` on the kernel's
websocket, and tornado leaves Nagle's algorithm on after the websocket's upgrade. A panel's update
is several small messages (the figure's data, the readout, the kernel's status): the first leaves
at once and each next one waits until the browser (or a hub's proxy) acknowledges the previous
one, which a peer delays by about 40 ms. Measured 2026-12-03 through a JupyterHub: one student's
slider update p50 48 ms, 24 ms with ``TCP_NODELAY`` forced on the server's socket (load average
5-6, 2 cores).

`NoDelayWebsocketConnection` is jupyter_server's own connection class
(``ZMQChannelsWebsocketConnection``) with one change: when a browser connects it calls tornado's
public ``WebSocketHandler.set_nodelay(True)``, then connects as the parent does. Jupyter selects
it with its public option ``ServerApp.kernel_websocket_connection_class`` (`CONNECTION_CLASS`);
``neurodyn-lab lab``, Binder's image and the hub set-ups in docs/instructors.md pass it.

Public API only, self-checked on each connection: if the handler has no ``set_nodelay`` or it fails
(a future tornado or jupyter_server), the connection goes on exactly as the parent's would and a
`NoDelayWarning` says so (Python's default warning filter shows each such failure once per server
process, not once per connection). Nothing is
kept in this module. With a kernel gateway (``GatewayClient.url`` set) leave the option out: the
gateway has its own connection class.

Example, from a shell::

    $ jupyter lab --ServerApp.kernel_websocket_connection_class=neurodyn_lab.jupyter_nodelay.NoDelayWebsocketConnection

or in ``jupyter_server_config.py``: ``c.ServerApp.kernel_websocket_connection_class = CONNECTION_CLASS``.

>>> from neurodyn_lab.jupyter_nodelay import CONNECTION_CLASS, NoDelayWebsocketConnection
>>> from traitlets.utils.importstring import import_item
>>> import_item(CONNECTION_CLASS) is NoDelayWebsocketConnection
True
>>> from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection
>>> issubclass(NoDelayWebsocketConnection, ZMQChannelsWebsocketConnection)
True
"""

from __future__ import annotations

import warnings

from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection

__all__ = ["CONNECTION_CLASS", "NoDelayWebsocketConnection", "NoDelayWarning"]

#: The value of ``ServerApp.kernel_websocket_connection_class`` that selects this connection.
CONNECTION_CLASS = "neurodyn_lab.jupyter_nodelay.NoDelayWebsocketConnection"


class NoDelayWarning(UserWarning):
    """The kernel websocket could not be switched to ``TCP_NODELAY``; it works as jupyter_server's own."""


class NoDelayWebsocketConnection(ZMQChannelsWebsocketConnection):
    """jupyter_server's kernel websocket connection, sending each message without Nagle's delay.

    Select it with ``--ServerApp.kernel_websocket_connection_class=`` `CONNECTION_CLASS`; see the
    module's docstring for why and what was measured.

    >>> from neurodyn_lab.jupyter_nodelay import NoDelayWebsocketConnection
    >>> NoDelayWebsocketConnection.connect.__qualname__
    'NoDelayWebsocketConnection.connect'
    """

    def connect(self):
        """Turn on ``TCP_NODELAY`` on the browser's websocket, then connect as jupyter_server does.

        jupyter_server calls this from the handler's ``open()``, after the websocket's upgrade,
        which is when tornado's ``set_nodelay`` can reach the socket. If it cannot (the handler
        lacks it, or it raises), one `NoDelayWarning` and the parent's behaviour, unchanged.
        """
        try:
            self.websocket_handler.set_nodelay(True)
        except Exception as error:  # any failure here must not cost the student the connection
            warnings.warn(
                f"neurodyn_lab.jupyter_nodelay: could not turn on TCP_NODELAY on the kernel websocket "
                f"({type(error).__name__}: {error}); messages may wait about 40 ms each, as with "
                f"jupyter_server's own connection",
                NoDelayWarning,
                stacklevel=1,
            )
        return super().connect()
