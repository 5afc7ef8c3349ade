package org.otplatform.gss.store;

import org.otplatform.gss.session.SessionState;

/** Where a session stands and which LSS the GSS holds to run it ({@code null}: none has taken it yet). */
public record Placement(SessionState state, String lss) {}
