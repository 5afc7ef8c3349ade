package org.otplatform.gss.http;

import io.vertx.core.Vertx;
import org.otplatform.common.auth.AccessChanges;
import org.otplatform.common.auth.Revocations;
import org.otplatform.common.kafka.EventSink;
import org.otplatform.gss.GssConfig;
import org.otplatform.gss.access.SessionAccess;
import org.otplatform.gss.lifecycle.Admission;
import org.otplatform.gss.lifecycle.Lifecycle;
import org.otplatform.gss.lifecycle.SessionQueue;
import org.otplatform.gss.progress.Progress;
import org.otplatform.gss.registry.LssRegistry;
import org.otplatform.gss.store.SessionStore;

/** The GSS's collaborators, wired once in {@code GssVerticle} and shared by the API classes. */
public record GssParts(Vertx vertx, GssConfig config, SessionStore store, SessionAccess access, Admission admission,
    Lifecycle lifecycle, SessionQueue queue, Progress progress, LssRegistry registry, EventSink events,
    Revocations revocations, AccessChanges accessChanges) {}
