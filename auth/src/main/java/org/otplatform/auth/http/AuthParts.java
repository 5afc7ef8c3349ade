package org.otplatform.auth.http;

import io.vertx.core.Vertx;
import org.otplatform.auth.group.GroupStore;
import org.otplatform.auth.login.KnownDevices;
import org.otplatform.auth.login.LoginThrottle;
import org.otplatform.auth.login.TrustedProxies;
import org.otplatform.auth.password.HashingPool;
import org.otplatform.auth.password.PasswordHasher;
import org.otplatform.auth.project.ProjectStore;
import org.otplatform.auth.token.RefreshTokens;
import org.otplatform.auth.token.SigningKeys;
import org.otplatform.auth.token.TokenIssuer;
import org.otplatform.auth.user.UserStore;

/** AUTH's collaborators, wired once in {@code AuthVerticle} and shared by the API classes. */
public record AuthParts(Vertx vertx, UserStore users, GroupStore groups, ProjectStore projects,
    RefreshTokens refreshTokens, SigningKeys keys, TokenIssuer issuer, PasswordHasher hasher, HashingPool hashing,
    LoginThrottle throttle, KnownDevices devices, TrustedProxies proxies, Audit audit) {}
