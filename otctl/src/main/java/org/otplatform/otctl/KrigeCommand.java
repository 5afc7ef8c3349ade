package org.otplatform.otctl;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The reference kriging service from a script: samples from a CSV file, estimates on a grid or at
 * the points of another CSV file, as CSV (or JSON). Large query sets go in several requests, all
 * with the variogram the first one fitted, so every estimate comes from one model.
 */
@Command(mixinStandardHelpOptions = true, name = "krige",
    description = {"Ordinary kriging with a session's kriging service: reads samples (x,y,value or x,y,z,value per "
        + "line; a header line and # comments are skipped), estimates at a grid or at the points of a CSV file, "
        + "and prints x,y[,z],estimate,variance as CSV (-o json: the variogram and the rows).",
        "Without --sill and --range the variogram is fitted to the samples (--model chooses its shape)."},
    footerHeading = "%nExamples:%n",
    footer = {"  otctl krige 9b1f6c4e-… --samples wells.csv --grid 0:100:51,0:100:51 > surface.csv",
        "  otctl krige 9b1f6c4e-… --samples wells.csv --query sites.csv --model exponential",
        "  otctl krige 9b1f6c4e-… --samples wells.csv --grid 0:10:11,0:10:11 --sill 2 --range 12 -o json"})
final class KrigeCommand implements Callable<Integer> {
  /** Query points per request: well under the service's bound for its largest sample sets. */
  static final int CHUNK = 10_000;
  static final int MAX_QUERY = 1_000_000;

  @picocli.CommandLine.ParentCommand Otctl root;

  @Parameters(index = "0", paramLabel = "SESSION") String session;
  @Option(names = "--samples", required = true, paramLabel = "FILE.csv") Path samples;
  @ArgGroup(exclusive = true, multiplicity = "1") Where where;
  @Option(names = "--model", paramLabel = "MODEL", defaultValue = "spherical",
      description = "spherical (default), exponential or gaussian") String model;
  @Option(names = "--nugget", paramLabel = "N", defaultValue = "0") double nugget;
  @Option(names = "--sill", paramLabel = "S") Double sill;
  @Option(names = "--range", paramLabel = "R") Double range;
  @Option(names = "--service", paramLabel = "NAME", defaultValue = "kriging",
      description = "the kriging service's name in the session (default ${DEFAULT-VALUE})") String service;

  static final class Where {
    @Option(names = "--grid", paramLabel = "X0:X1:NX,Y0:Y1:NY", description = "a regular grid, ends included")
    String grid;
    @Option(names = "--query", paramLabel = "FILE.csv", description = "points x,y[,z] per line") Path query;
  }

  @Override
  public Integer call() {
    CallCommand.requireSessionId(session);
    if ((sill == null) != (range == null)) {
      throw new Exit.Failure(Exit.USAGE, "--sill and --range go together (or neither: the variogram is fitted)");
    }
    List<double[]> rows = csv(samples, -1);
    int dims = rows.get(0).length - 1;
    JsonArray points = new JsonArray();
    JsonArray values = new JsonArray();
    for (double[] r : rows) {
      if (r.length - 1 != dims) {
        throw new Exit.Failure(Exit.USAGE, samples + ": every sample needs the same number of coordinates");
      }
      JsonArray p = new JsonArray();
      for (int i = 0; i < dims; i++) {
        p.add(r[i]);
      }
      points.add(p);
      values.add(r[dims]);
    }
    List<double[]> query = where.grid != null ? grid(where.grid) : csv(where.query, dims);
    if (query.get(0).length != dims) {
      throw new Exit.Failure(Exit.USAGE, "the query points have " + query.get(0).length + " coordinates, the samples "
          + dims);
    }
    JsonObject variogram = sill == null ? new JsonObject().put("fit", true).put("model", model)
        : new JsonObject().put("model", model).put("nugget", nugget).put("sill", sill).put("range", range);
    Platform platform = root.platform();
    JsonArray estimates = new JsonArray();
    JsonArray variances = new JsonArray();
    for (int from = 0; from < query.size(); from += CHUNK) {
      JsonArray chunk = new JsonArray();
      query.subList(from, Math.min(query.size(), from + CHUNK)).forEach(q -> chunk.add(array(q)));
      JsonObject reply = RelayConnection.succeeded(CallCommand.call(platform, session, new JsonObject().put("to", service)
          .put("id", 1).put("action", "krige").put("payload", new JsonObject().put("points", points).put("values", values)
              .put("query", chunk).put("variogram", variogram)), Duration.ofSeconds(75), root), service);
      JsonObject result = reply.getJsonObject("result");
      estimates.addAll(result.getJsonArray("estimates"));
      variances.addAll(result.getJsonArray("variances"));
      variogram = result.getJsonObject("variogram"); // the rest with the model the first one fitted
      if (query.size() > CHUNK) {
        root.note("kriged " + Math.min(query.size(), from + CHUNK) + " of " + query.size() + " points");
      }
    }
    if (root.output().structured()) {
      JsonArray out = new JsonArray();
      for (int i = 0; i < query.size(); i++) {
        out.add(new JsonObject().put("point", array(query.get(i))).put("estimate", estimates.getValue(i))
            .put("variance", variances.getValue(i)));
      }
      root.output().json(new JsonObject().put("variogram", variogram).put("rows", out));
      return Exit.OK;
    }
    StringBuilder csv = new StringBuilder(dims == 3 ? "x,y,z,estimate,variance\n" : "x,y,estimate,variance\n");
    for (int i = 0; i < query.size(); i++) {
      for (double c : query.get(i)) {
        csv.append(number(c)).append(',');
      }
      csv.append(number(estimates.getDouble(i))).append(',').append(number(variances.getDouble(i))).append('\n');
    }
    System.out.print(csv);
    System.out.flush();
    return Exit.OK;
  }

  /** Rows of numbers; {@code width} columns each (-1: as the first row has, 3 or 4). */
  static List<double[]> csv(Path file, int width) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (NoSuchFileException e) {
      throw new Exit.Failure(Exit.USAGE, "no such file: " + file);
    } catch (IOException e) {
      throw new Exit.Failure(Exit.USAGE, "cannot read " + file + ": " + e.getMessage());
    }
    List<double[]> rows = new ArrayList<>();
    for (int n = 0; n < lines.size(); n++) {
      String line = lines.get(n).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] cells = line.split("\\s*[,;\\t]\\s*");
      double[] row = new double[cells.length];
      try {
        for (int i = 0; i < cells.length; i++) {
          row[i] = Double.parseDouble(cells[i]);
          if (!Double.isFinite(row[i])) {
            throw new NumberFormatException();
          }
        }
      } catch (NumberFormatException e) {
        if (rows.isEmpty() && n == firstContent(lines)) {
          continue; // a header
        }
        throw new Exit.Failure(Exit.USAGE, file + " line " + (n + 1) + ": not a row of numbers: " + line);
      }
      int expected = width > 0 ? width : rows.isEmpty() ? row.length : rows.get(0).length;
      if (row.length != expected || width < 0 && row.length != 3 && row.length != 4) {
        throw new Exit.Failure(Exit.USAGE, file + " line " + (n + 1) + ": expected " + (width > 0 ? width + " numbers"
            : "x,y,value or x,y,z,value") + ", got " + row.length);
      }
      rows.add(row);
      if (rows.size() > MAX_QUERY) {
        throw new Exit.Failure(Exit.USAGE, file + ": more than " + MAX_QUERY + " rows");
      }
    }
    if (rows.isEmpty()) {
      throw new Exit.Failure(Exit.USAGE, file + ": no rows of numbers");
    }
    return rows;
  }

  private static int firstContent(List<String> lines) {
    for (int n = 0; n < lines.size(); n++) {
      String line = lines.get(n).strip();
      if (!line.isEmpty() && !line.startsWith("#")) {
        return n;
      }
    }
    return -1;
  }

  /** X0:X1:NX,Y0:Y1:NY[,Z0:Z1:NZ]: NX values from X0 to X1, ends included. */
  static List<double[]> grid(String spec) {
    String[] axes = spec.split(",");
    if (axes.length < 2 || axes.length > 3) {
      throw new Exit.Failure(Exit.USAGE, "--grid is X0:X1:NX,Y0:Y1:NY (or with a third axis), got '" + spec + "'");
    }
    double[][] ticks = new double[axes.length][];
    long total = 1;
    for (int a = 0; a < axes.length; a++) {
      String[] p = axes[a].split(":");
      try {
        double from = Double.parseDouble(p[0]);
        double to = Double.parseDouble(p[1]);
        int n = Integer.parseInt(p[2]);
        if (p.length != 3 || n < 1 || !Double.isFinite(from) || !Double.isFinite(to)) {
          throw new NumberFormatException();
        }
        ticks[a] = new double[n];
        for (int i = 0; i < n; i++) {
          ticks[a][i] = n == 1 ? from : from + (to - from) * i / (n - 1);
        }
        total *= n;
      } catch (RuntimeException e) {
        throw new Exit.Failure(Exit.USAGE, "--grid axis '" + axes[a] + "' is not FROM:TO:COUNT (COUNT at least 1)");
      }
      if (total > MAX_QUERY) {
        throw new Exit.Failure(Exit.USAGE, "--grid '" + spec + "' has more than " + MAX_QUERY + " points");
      }
    }
    List<double[]> points = new ArrayList<>();
    for (double y : ticks[1]) {
      for (double x : ticks[0]) {
        if (axes.length == 2) {
          points.add(new double[] {x, y});
        } else {
          for (double z : ticks[2]) {
            points.add(new double[] {x, y, z});
          }
        }
      }
    }
    return points;
  }

  private static JsonArray array(double[] p) {
    JsonArray a = new JsonArray();
    for (double c : p) {
      a.add(c);
    }
    return a;
  }

  private static String number(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.format(Locale.ROOT, "%.1f", d) : Double.toString(d);
  }
}
