#!/usr/bin/env python3
"""Validate vmapx -j documents against doc/vmapx.schema.json.

    json-check.py SCHEMA MODE FILE...   each FILE holds one document of MODE
    json-check.py SCHEMA --strict FILE  every object of the document is closed

MODE names a $defs entry (vmallocinfo, gaps, frag, fit, callers, failures,
diff, parse, owners, addr, pfn, error, report).  A document must match the whole schema
(exactly one branch of its oneOf) and the entry of its mode, so a shape
change in a printer without the same change in the schema fails.  Prints
one line per invalid document (the deepest error first) and exits 1; 0
when all are valid; 2 when the schema itself or jsonschema is missing.

--strict renames, one at a time, the first member of every object of the
document and checks that the schema then rejects it: it proves the schema
is closed everywhere that document reaches (lists the paths where not).
"""
import json
import sys

try:
    import jsonschema
except ImportError:
    print("json-check: python3-jsonschema is not installed", file=sys.stderr)
    sys.exit(2)


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def validators(schema, mode):
    cls = jsonschema.Draft202012Validator
    cls.check_schema(schema)
    whole = cls(schema)
    if mode is None:
        return [whole]
    if mode not in schema["$defs"]:
        raise SystemExit("json-check: no $defs entry '%s' in the schema" % mode)
    sub = {"$schema": schema["$schema"], "$defs": schema["$defs"],
           "$ref": "#/$defs/" + mode}
    return [cls(sub), whole]  # the mode's entry first: its errors say more


def first_error(vals, doc):
    for v in vals:
        err = jsonschema.exceptions.best_match(v.iter_errors(doc))
        if err is not None:
            where = "/".join(str(p) for p in err.absolute_path) or "(top)"
            return "%s: %s" % (where, err.message[:300])
    return None


def objects(doc, path=()):
    if isinstance(doc, dict):
        yield path, doc
        for k, v in doc.items():
            yield from objects(v, path + (k,))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield from objects(v, path + (i,))


def strict(vals, doc):
    """Paths of the objects where a renamed member goes unnoticed."""
    open_paths = []
    seen = set()
    for path, obj in list(objects(doc)):
        # one object per distinct shape path (array indices folded)
        shape = tuple("[]" if isinstance(p, int) else p for p in path)
        if shape in seen or not obj:
            continue
        seen.add(shape)
        key = next(iter(obj))
        renamed = {(k + "_renamed" if k == key else k): v for k, v in obj.items()}
        parent = doc
        if not path:
            mutated = renamed
        else:
            mutated = json.loads(json.dumps(doc))
            parent = mutated
            for p in path[:-1]:
                parent = parent[p]
            parent[path[-1]] = renamed
        if first_error(vals, mutated) is None:
            open_paths.append("/".join(str(p) for p in shape) or "(top)")
    return open_paths


def main(argv):
    if len(argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    schema = load(argv[1])
    if argv[2] == "--strict":
        vals = validators(schema, None)
        bad = 0
        for path in argv[3:]:
            open_paths = strict(vals, load(path))
            if open_paths:
                bad += 1
                print("%s: a renamed member is accepted at %s" % (path, ", ".join(open_paths)))
        return 1 if bad else 0
    vals = validators(schema, argv[2])
    bad = 0
    for path in argv[3:]:
        try:
            doc = load(path)
        except (OSError, ValueError) as e:
            print("%s: not JSON: %s" % (path, e))
            bad += 1
            continue
        err = first_error(vals, doc)
        if err:
            print("%s: not a valid '%s' document: %s" % (path, argv[2], err))
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
