/**
 * Loading images from a folder with one subfolder per class.
 */
import type { Dirent } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { TransferkitError } from '../errors.ts';
import type { Dataset } from './dataset.ts';
import { naturalCompare } from './classes.ts';
import { decodeBmp } from './bmp.ts';
import { pathKind, requireFile } from './files.ts';

/**
 * Size of the images a model takes: height × width × channels (1 = grey, 3 = RGB).
 *
 * @example
 * ```ts
 * const size: ImageSize = { height: 32, width: 32, channels: 3 };
 * ```
 */
export interface ImageSize {
  height: number;
  width: number;
  channels: number;
}

/**
 * The size used when nothing says otherwise: 28×28 greyscale, like MNIST.
 *
 * @example
 * ```ts
 * const ds = await loadImageFolder('photos', DEFAULT_IMAGE_SIZE);
 * ```
 */
export const DEFAULT_IMAGE_SIZE: Readonly<ImageSize> = Object.freeze({ height: 28, width: 28, channels: 1 });

/**
 * File extensions read as images (lower case); other files in class folders are ignored.
 *
 * @example
 * ```ts
 * IMAGE_EXTENSIONS.includes('.png'); // true
 * ```
 */
export const IMAGE_EXTENSIONS: readonly string[] = Object.freeze(['.png', '.jpg', '.jpeg', '.webp', '.gif', '.tif', '.tiff', '.bmp', '.avif']);

/**
 * Checks an image size: positive integer height and width, 1 or 3 channels. Throws `BAD_OPTION`.
 *
 * @example
 * ```ts
 * checkImageSize({ height: 32, width: 32, channels: 3 });
 * ```
 */
export function checkImageSize(size: ImageSize, where = 'image size option'): void {
  for (const k of ['height', 'width'] as const) {
    if (!Number.isInteger(size[k]) || size[k] <= 0 || size[k] > 4096) {
      throw new TransferkitError('BAD_OPTION', `Image ${k} must be a whole number from 1 to 4096, got ${size[k]}`, { where, hint: 'Use whole numbers, e.g. { height: 28, width: 28, channels: 1 }.' });
    }
  }
  if (size.channels !== 1 && size.channels !== 3) {
    throw new TransferkitError('BAD_OPTION', `Image channels must be 1 (greyscale) or 3 (RGB), got ${size.channels}`, { where, hint: 'Use 1 for greyscale or 3 for colour.' });
  }
}

/**
 * Reads one image file (any format sharp reads, plus BMP), resizes it to `height × width`
 * (stretching, no cropping), converts it to 1 or 3 channels (transparent pixels become
 * black) and scales values to [0, 1]. Returns `height × width × channels` floats (HWC).
 *
 * Throws `BAD_IMAGE` naming the file when it cannot be decoded.
 *
 * @example
 * ```ts
 * const pixels = await loadImageFile('cat.jpg', { height: 32, width: 32, channels: 3 });
 * ```
 */
export async function loadImageFile(path: string, size: ImageSize): Promise<Float32Array> {
  await requireFile(path, 'Image');
  try {
    const buf = await readFile(path);
    let img: Sharp;
    if (extname(path).toLowerCase() === '.bmp') {
      const { data, width, height, channels } = decodeBmp(buf);
      img = sharp(data, { raw: { width, height, channels } });
    } else {
      img = sharp(buf);
    }
    img = img.flatten({ background: { r: 0, g: 0, b: 0 } }).resize(size.width, size.height, { fit: 'fill' });
    img = size.channels === 1 ? img.toColourspace('b-w') : img.toColourspace('srgb');
    const { data, info } = await img.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    if (info.channels !== size.channels || data.length !== size.height * size.width * size.channels) {
      throw new Error(`decoded to ${info.width}×${info.height}×${info.channels}, expected ${size.width}×${size.height}×${size.channels}`);
    }
    const out = new Float32Array(data.length);
    for (let i = 0; i < data.length; i++) out[i] = data[i] / 255;
    return out;
  } catch (err) {
    if (err instanceof TransferkitError) throw err;
    throw new TransferkitError('BAD_IMAGE', `Could not read image ${path}: ${(err as Error).message}`, {
      where: path,
      hint: `Check that the file is a valid image (${IMAGE_EXTENSIONS.join(', ')}); re-save it or remove it from the folder.`,
      cause: err,
    });
  }
}

/**
 * Options for {@link loadImageFolder}.
 *
 * @example
 * ```ts
 * await loadImageFolder('photos', { height: 64, width: 64, channels: 3, domain: 'phone' });
 * ```
 */
export interface ImageFolderOptions extends Partial<ImageSize> {
  /** Domain tag for the dataset. */
  domain?: string;
}

/**
 * Loads a folder laid out as `dir/<class>/<image>`: every subfolder is a class (in natural
 * order), every image file in it (by extension, see {@link IMAGE_EXTENSIONS}) an example.
 * Images are resized to `height × width` (default 28×28) with `channels` (default 1).
 * Hidden files and folders are ignored.
 *
 * Errors: `FILE_NOT_FOUND`, `NOT_A_DIRECTORY`, `NO_CLASS_FOLDERS`, `EMPTY_CLASS`
 * (a class folder without images), `BAD_IMAGE` (naming the unreadable file), `BAD_OPTION`.
 *
 * @example
 * ```ts
 * const ds = await loadImageFolder('data/flowers', { height: 64, width: 64, channels: 3 });
 * ds.classes; // ['daisy', 'rose', 'tulip']
 * ```
 */
export async function loadImageFolder(dir: string, opts: ImageFolderOptions = {}): Promise<Dataset> {
  const size: ImageSize = {
    height: opts.height ?? DEFAULT_IMAGE_SIZE.height,
    width: opts.width ?? DEFAULT_IMAGE_SIZE.width,
    channels: opts.channels ?? DEFAULT_IMAGE_SIZE.channels,
  };
  checkImageSize(size);
  if ((await pathKind(dir, 'Image folder')) !== 'directory') {
    throw new TransferkitError('NOT_A_DIRECTORY', `${dir} is a file, not a folder of images`, {
      where: dir,
      hint: 'Pass a folder with one subfolder per class, e.g. data/cats/*.jpg and data/dogs/*.jpg.',
    });
  }
  const { classes, files } = await listClassFolders(dir);
  if (classes.length === 0) {
    const loose = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile() && isImageName(e.name)).length;
    throw new TransferkitError('NO_CLASS_FOLDERS', `${dir} has no class subfolders${loose ? ` (it has ${loose} image files directly inside)` : ''}`, {
      where: dir,
      hint: 'Put the images of each class in their own subfolder, named after the class: dir/cat/1.png, dir/dog/2.png, …',
    });
  }
  const pixels = await loadImageFiles(files.map((f) => f.path), size);
  const labels = Int32Array.from(files, (f) => f.label);
  const ds: Dataset = { name: dir, size: files.length, features: { kind: 'image', pixels, ...size }, labels, classes };
  if (opts.domain !== undefined) ds.domain = opts.domain;
  return ds;
}

/**
 * True for a file name with an image extension ({@link IMAGE_EXTENSIONS}) that is not hidden.
 *
 * @example
 * ```ts
 * isImageName('cat.JPG'); // true
 * isImageName('.DS_Store'); // false
 * ```
 */
export function isImageName(name: string): boolean {
  return !name.startsWith('.') && IMAGE_EXTENSIONS.includes(extname(name).toLowerCase());
}

/**
 * Lists a `dir/<class>/<image>` folder as {@link loadImageFolder} reads it: the class
 * subfolders in natural order (none when the folder has no subfolders), and every image with
 * its class index, in the order of the examples. `name` is the path relative to `dir` with `/`.
 *
 * Errors: `EMPTY_CLASS` (a class folder without images).
 *
 * @example
 * ```ts
 * const { classes, files } = await listClassFolders('photos');
 * files[0]; // { path: 'photos/cat/1.png', name: 'cat/1.png', label: 0 }
 * ```
 */
export async function listClassFolders(dir: string): Promise<{ classes: string[]; files: Array<{ path: string; name: string; label: number }> }> {
  const entries = await readdir(dir, { withFileTypes: true });
  // a symbolic link counts as what it points to (a linked class folder or image is used, not skipped)
  const classes = (await Promise.all(entries.map(async (e) => (!e.name.startsWith('.') && (await kindOf(dir, e)) === 'directory' ? e.name : undefined))))
    .filter((n): n is string => n !== undefined)
    .sort(naturalCompare);
  const files: Array<{ path: string; name: string; label: number }> = [];
  for (const [label, cls] of classes.entries()) {
    const inside = await readdir(join(dir, cls), { withFileTypes: true });
    const names = (await Promise.all(inside.map(async (e) => (isImageName(e.name) && (await kindOf(join(dir, cls), e)) === 'file' ? e.name : undefined))))
      .filter((n): n is string => n !== undefined)
      .sort(naturalCompare);
    if (names.length === 0) {
      throw new TransferkitError('EMPTY_CLASS', `Class folder ${join(dir, cls)} has no image files`, {
        where: join(dir, cls),
        hint: `Add images (${IMAGE_EXTENSIONS.join(', ')}) or remove the folder.`,
      });
    }
    for (const name of names) files.push({ path: join(dir, cls, name), name: `${cls}/${name}`, label });
  }
  return { classes, files };
}

/**
 * Reads image files (4 at a time) with {@link loadImageFile}, each resized to `size`, into one
 * NHWC array of `paths.length × height × width × channels` floats in [0, 1].
 *
 * @example
 * ```ts
 * const pixels = await loadImageFiles(['a.png', 'b.jpg'], { height: 28, width: 28, channels: 1 });
 * ```
 */
export async function loadImageFiles(paths: readonly string[], size: ImageSize): Promise<Float32Array> {
  checkImageSize(size);
  const per = size.height * size.width * size.channels;
  const pixels = new Float32Array(paths.length * per);
  let next = 0;
  const worker = async () => {
    while (next < paths.length) {
      const i = next++;
      try {
        pixels.set(await loadImageFile(paths[i], size), i * per);
      } catch (err) {
        next = paths.length; // stop the other workers too
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, paths.length) }, worker));
  return pixels;
}

/** What a folder entry is, following a symbolic link to its target (a broken link is neither). */
async function kindOf(dir: string, e: Dirent): Promise<'file' | 'directory' | undefined> {
  if (e.isDirectory()) return 'directory';
  if (e.isFile()) return 'file';
  if (!e.isSymbolicLink()) return undefined;
  const st = await stat(join(dir, e.name)).catch(() => undefined);
  return st?.isDirectory() ? 'directory' : st?.isFile() ? 'file' : undefined;
}
