-- What the pre-flight and build stages learn, kept on the job so that later stages (and a retry
-- after the source pod is gone) have it: the resolved container, the source pod as it was, the
-- pre-flight report, the base image, and the image manifest and config to push.
ALTER TABLE migrations ADD COLUMN source_pod_json TEXT;
ALTER TABLE migrations ADD COLUMN preflight_json TEXT;
ALTER TABLE migrations ADD COLUMN allow_volumes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE migrations ADD COLUMN base_image TEXT;
ALTER TABLE migrations ADD COLUMN image_manifest BLOB;
ALTER TABLE migrations ADD COLUMN image_config BLOB;
ALTER TABLE migrations ADD COLUMN image_layer_json TEXT;
