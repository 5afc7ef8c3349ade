package org.otplatform.auth.token;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.otplatform.common.auth.TokenVerifier;

/** Signs access tokens (RS256 JWTs) and makes opaque refresh tokens. */
public final class TokenIssuer {
  private final Vertx vertx;
  private final SigningKeys keys;
  private final Duration accessTtl;
  private final SecureRandom random = new SecureRandom();
  private JWTAuth signer;
  private String signerKid;

  public TokenIssuer(Vertx vertx, SigningKeys keys, Duration accessTtl) {
    this.vertx = vertx;
    this.keys = keys;
    this.accessTtl = accessTtl;
  }

  /** A signed access token for the user. */
  public String accessToken(String userId, String username, Set<String> roles) {
    JsonObject claims = new JsonObject()
        .put("name", username)
        .put("roles", new JsonArray(List.copyOf(roles)));
    SigningKey key = keys.current();
    return signer(key).generateToken(claims, new JWTOptions()
        .setAlgorithm(key.algorithm())
        .setSubject(userId)
        .setIssuer(TokenVerifier.ISSUER)
        .setAudience(List.of(TokenVerifier.AUDIENCE))
        .setExpiresInSeconds((int) accessTtl.toSeconds())
        .setHeader(new JsonObject().put("kid", key.kid())));
  }

  public Duration accessTtl() {
    return accessTtl;
  }

  /** A new random refresh token (256 bits, base64url). Only its hash is ever stored. */
  public String refreshToken() {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** SHA-256 of a refresh token, hex: what the store keeps. */
  public static String hash(String refreshToken) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(refreshToken.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private synchronized JWTAuth signer(SigningKey key) {
    if (signer == null || !key.kid().equals(signerKid)) {
      signer = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions()
          .setAlgorithm(key.algorithm()).setId(key.kid()).setBuffer(key.privatePem())));
      signerKid = key.kid();
    }
    return signer;
  }
}
