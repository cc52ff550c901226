ALTER TABLE meetings DROP COLUMN video_link;
