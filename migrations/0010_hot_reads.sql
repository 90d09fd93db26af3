-- The two reads every search and booking makes, as functions so that PostgreSQL plans them once per
-- connection (PL/pgSQL keeps its statements' plans) instead of once per request: planning them cost
-- more than running them (docs/benchmarks.md, PERF-1 and PERF-3; ADR 0011).

-- ELIG-5: what the rules need to know of a person (status, birth date, entitlements, links to fragile
-- people and theirs), with the ids of the plan versions loaded and a stamp of the product catalogue
-- (its rows' count and newest row version).
CREATE FUNCTION person_snapshot(wanted_person_id bigint) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN (
    WITH person_links AS (
      SELECT l.id, l.relation, l.fragile_person_id, fragile.birth_date
      FROM fragility_links l JOIN persons fragile ON fragile.id = l.fragile_person_id
      WHERE l.linked_person_id = wanted_person_id AND l.removed_at IS NULL)
    SELECT jsonb_build_object(
      'person', (SELECT jsonb_build_object('id', p.id, 'birth_date', p.birth_date, 'status', p.status,
          'health_authority_code', p.health_authority_code,
          'admitted', EXISTS (SELECT 1 FROM regional_admissions a WHERE a.person_id = p.id))
        FROM persons p WHERE p.id = wanted_person_id),
      'links', (SELECT coalesce(jsonb_agg(to_jsonb(pl) ORDER BY pl.id), '[]') FROM person_links pl),
      'entitlements', (SELECT coalesce(jsonb_agg(to_jsonb(e) ORDER BY e.valid_from, e.id), '[]')
        FROM entitlements e
        WHERE e.person_id = wanted_person_id
          OR e.person_id IN (SELECT pl.fragile_person_id FROM person_links pl)),
      'plan_version_ids', (SELECT coalesce(jsonb_agg(v.id ORDER BY v.effective_from, v.id), '[]')
        FROM plan_versions v),
      -- Changes whenever a product row is added, changed or removed (a new row version has a new xmin),
      -- at the cost of reading a dozen rows' headers rather than hashing their documents.
      'products_stamp', (SELECT count(*) || ':' || coalesce(max(pr.xmin::text::bigint), 0) FROM products pr)));
END;
$$;

-- BOOK-7: per active hub with the accessibility needed, the free slot nearest to the wanted instant
-- within [from_instant, to_instant] whose day still has a dose of one of the products (any product when
-- null): the first free slot at or after the instant and the last one before it, two probes of the
-- free-slot index, and the nearer of the two.
CREATE FUNCTION nearest_free_slots(
  wanted timestamptz,
  from_instant timestamptz,
  to_instant timestamptz,
  allowed_products text[],
  needs text[]
) RETURNS TABLE (
  hub_id bigint,
  hub_code text,
  hub_name text,
  hub_address text,
  municipality_name text,
  lat double precision,
  lng double precision,
  accessibility text[],
  slot_id bigint,
  starts_at timestamptz,
  free integer
)
LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN QUERY
  SELECT p.id, p.code, p.name, p.address, m.name, p.lat, p.lng, h.accessibility,
    nearest.id, nearest.starts_at, nearest.free
  FROM hubs h
  JOIN vaccination_points p ON p.id = h.vaccination_point_id
  JOIN municipalities m ON m.istat = p.municipality_istat
  LEFT JOIN LATERAL (
    SELECT c.id, c.starts_at, c.free FROM (
      (SELECT s.id, s.starts_at, s.capacity - s.booked AS free FROM slots s
       WHERE s.vaccination_point_id = h.vaccination_point_id AND s.booked < s.capacity
         AND s.starts_at >= greatest(wanted, from_instant) AND s.starts_at <= to_instant
         AND EXISTS (SELECT 1 FROM hub_day_stock st WHERE st.vaccination_point_id = s.vaccination_point_id
           AND st.day = s.day AND st.booked < st.doses
           AND (allowed_products IS NULL OR st.product_code = ANY (allowed_products)))
       ORDER BY s.starts_at ASC LIMIT 1)
      UNION ALL
      (SELECT s.id, s.starts_at, s.capacity - s.booked AS free FROM slots s
       WHERE s.vaccination_point_id = h.vaccination_point_id AND s.booked < s.capacity
         AND s.starts_at < wanted AND s.starts_at >= from_instant
         AND EXISTS (SELECT 1 FROM hub_day_stock st WHERE st.vaccination_point_id = s.vaccination_point_id
           AND st.day = s.day AND st.booked < st.doses
           AND (allowed_products IS NULL OR st.product_code = ANY (allowed_products)))
       ORDER BY s.starts_at DESC LIMIT 1)
    ) c
    ORDER BY abs(extract(epoch FROM c.starts_at - wanted)), c.starts_at LIMIT 1
  ) nearest ON true
  WHERE h.status = 'active' AND h.accessibility @> needs;
END;
$$;
