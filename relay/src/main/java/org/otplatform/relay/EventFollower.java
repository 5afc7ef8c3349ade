package org.otplatform.relay;

import org.otplatform.common.events.SessionEvent;

/**
 * Keeps connected sessions' routes current from the session events every relay replica reads: a
 * restarted service is reached at its new endpoint without the front end reconnecting (and the
 * route checked against the GSS's view a moment later: an event of an LSS that does not run the
 * session is not what the GSS holds); an ended session closes its front ends (4410).
 */
final class EventFollower {
  private final Channels channels;
  private final Admission admission;

  EventFollower(Channels channels, Admission admission) {
    this.channels = channels;
    this.admission = admission;
  }

  void onEvent(SessionEvent event) {
    SessionChannel channel = channels.get(event.sessionId());
    if (channel == null) {
      return;
    }
    if (event instanceof SessionEvent.ServiceReady ready) {
      channel.serviceReady(ready.service(), ready.endpoint());
      channels.confirmSoon(event.sessionId(), admission);
    } else if (event instanceof SessionEvent.ServiceRestarting restarting) {
      channel.serviceDown(restarting.service(), "is restarting (restart " + restarting.attempt() + " of "
          + restarting.restartLimit() + ")");
    } else if (event instanceof SessionEvent.ServiceFailed failed) {
      channel.serviceDown(failed.service(), "failed: " + failed.reason());
    } else if (event instanceof SessionEvent.SessionClosed closed) {
      channel.end("session closed: " + closed.reason());
    } else if (event instanceof SessionEvent.SessionFailed failed) {
      channel.end("session failed: " + failed.reason());
    }
  }
}
